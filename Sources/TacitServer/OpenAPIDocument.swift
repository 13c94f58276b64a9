/// The OpenAPI document served at `GET /v1/openapi`; generated from `docs/openapi.yaml` is not
/// possible without reading files at run time, so the text is embedded by the build (see Package.swift).
enum OpenAPIDocument {
    static var text: String { String(decoding: PackageResources.openapi_yaml, as: UTF8.self) }
}
