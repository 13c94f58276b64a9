#!/usr/bin/env python3
"""Writes Sources/TacitServer/openapi.yaml from the route table below.

The table is the one place a route is described for the document; a test in TacitServerTests
compares the document's paths with the router's, so a route added in Swift but not here fails.
Run: python3 Scripts/gen-openapi.py
"""
import json, os

S = lambda ref: {"$ref": f"#/components/schemas/{ref}"}
string = {"type": "string"}
uuid = {"type": "string", "format": "uuid"}
date = {"type": "string", "format": "date-time"}
strings = {"type": "array", "items": string}

def obj(required, props, extra=False):
    o = {"type": "object", "properties": props, "required": required}
    if not extra:
        o["additionalProperties"] = False
    return o

schemas = {
    "Error": obj(["error"], {"error": obj(["code", "message"], {
        "code": string, "message": string, "policies": strings, "retryAfter": {"type": "integer"}})}),
    "Health": obj(["status", "version"], {"status": string, "version": string}),
    "Unlock": obj(["name", "passphrase"], {"name": {"type": "string", "minLength": 1, "maxLength": 64}, "passphrase": string}),
    "Principal": obj(["id", "name", "role"], {"id": uuid, "name": string, "role": {"enum": ["member", "compliance", "operator"]},
                                             "disabled": {"type": "boolean", "const": True}}),
    "Session": obj(["token", "captureToken", "principal", "agreementKey", "manifestCounter", "expiresAt", "idleSeconds", "notices"], {
        "token": string, "captureToken": string, "principal": S("Principal"), "agreementKey": string,
        "manifestCounter": {"type": "integer"}, "expiresAt": date, "idleSeconds": {"type": "integer"}, "notices": strings}),
    "GroupSummary": obj(["id", "name", "memberCount"], {"id": uuid, "name": string, "memberCount": {"type": "integer"},
                                                        "facilitator": string}),
    "WhoAmI": obj(["principal", "groups", "fingerprint", "expiresAt"], {"principal": S("Principal"),
        "groups": {"type": "array", "items": S("GroupSummary")}, "fingerprint": string, "expiresAt": date,
        "manifestCounter": {"type": "integer"}}),
    "Enroll": obj(["code", "name", "passphrase"], {"code": string, "name": {"type": "string", "minLength": 1, "maxLength": 64}, "passphrase": string}),
    "Enrolled": obj(["principal", "recoveryKey", "fingerprint"], {"principal": S("Principal"), "recoveryKey": string, "fingerprint": string,
                                                                  "facilitates": strings, "groups": strings}),
    "PassphraseChange": obj(["current", "new"], {"current": string, "new": string, "rotate": {"type": "boolean"}}),
    "Rotated": obj(["recoveryKey"], {"recoveryKey": string}),
    "PassphraseChanged": obj(["captureToken"], {"captureToken": string}),
    "Recover": obj(["name", "recoveryKey", "passphrase"], {"name": string, "recoveryKey": string, "passphrase": string}),
    "Jot": obj(["text", "agreementKey"], {"text": string, "agreementKey": string}),
    "Created": obj(["id"], {"id": uuid}),
    "GroupCreate": obj(["name"], {"name": {"type": "string", "minLength": 1, "maxLength": 64}}),
    "Name": obj(["name"], {"name": string}),
    "Cycle": obj(["id", "group", "session1", "session2", "phase"], {"id": uuid, "group": uuid, "session1": date,
        "session2": date, "phase": {"enum": ["planning", "session-1", "practice", "reflection", "session-2", "closed"]},
        "topics": strings, "topicsPending": {"type": "boolean", "description": "the caller is a member the topics are not sealed to yet"},
        "current": {"type": "boolean", "description": "the caller's current cycle: where an entry without a cycle goes"}}),
    "GroupDetail": obj(["group", "members", "sizeStatus", "cycles"], {"group": S("GroupSummary"),
        "members": {"type": "array", "items": S("Principal")}, "sizeStatus": {"type": "string", "enum": ["below-minimum", "allowed", "recommended", "above-maximum"]},
        "cycles": {"type": "array", "items": S("Cycle")}}),
    "Invitation": obj(["name", "role"], {"name": string, "role": {"enum": ["member", "facilitator", "compliance", "operator"]},
                                         "group": string}),
    "InvitationCode": obj(["code", "expiresAt"], {"code": string, "expiresAt": date,
                                                  "replaced": {"type": "boolean", "const": True, "description": "the name's earlier, unused invitation was replaced: its code no longer works"}}),
    "PendingInvitation": obj(["name", "role", "expiresAt", "expired"], {"name": string,
        "role": {"enum": ["member", "facilitator", "compliance", "operator"]}, "group": string, "expiresAt": date,
        "expired": {"type": "boolean", "description": "expiresAt has passed by the daemon's clock"}}),
    "CycleCreate": obj(["group", "session1", "session2", "topics"], {"group": string, "session1": date, "session2": date,
                                                                     "topics": strings}),
    "CycleSchedule": obj([], {"session1": date, "session2": date}),
    "CycleScheduled": obj(["cycle", "sharesEndingEarly", "groupSharesGoneBySession2"], {"cycle": S("Cycle"),
        "sharesEndingEarly": {"type": "integer"}, "firstShareEnd": date, "groupSharesGoneBySession2": {"type": "integer"}}),
    "Agenda": obj(["items", "markdown", "unreadable", "ended"], {"items": {"type": "array", "items": obj(["title", "author", "kind", "topic"], {
        "title": string, "author": string, "kind": string, "topic": string,
        "endsBeforeSession2": {**date, "description": "when its share ends, if before session 2 begins"}})}, "markdown": string,
        "unreadable": {"type": "integer", "minimum": 0, "description": "entries shared with the group in this cycle that the caller cannot read, so not listed"},
        "ended": {"type": "integer", "minimum": 0, "description": "entries shared with the group in this cycle whose group shares have all ended, so no longer listed"}}),
    "EntryInput": obj(["body"], {"title": string, "body": string, "tags": strings, "topic": string,
        "kind": {"enum": ["commitment", "practice", "reflection", "insight", "note"]}, "cycle": uuid}),
    "Entry": obj(["id", "author", "kind", "title", "body", "tags", "topic", "created", "updated", "version"], {
        "id": uuid, "author": string, "group": uuid, "cycle": uuid, "kind": string, "title": string, "body": string,
        "tags": strings, "topic": string, "created": date, "updated": date, "version": {"type": "integer"},
        "notices": {**strings, "description": "on an edit's answer: what re-sealing the entry's shares left out, in words for its author"}}),
    "EntrySummary": obj(["id", "title", "kind", "tags", "created", "updated", "shared"], {"id": uuid, "title": string,
        "kind": string, "tags": strings, "cycle": uuid, "created": date, "updated": date, "shared": {"type": "boolean"}}),
    "EntryList": obj(["entries"], {"entries": {"type": "array", "items": S("EntrySummary")}, "next": string,
                                   "total": {"type": "integer"}}),
    "ImportedEntry": obj(["body", "created"], {"title": string, "body": string, "tags": strings, "topic": string,
        "created": date, "kind": {"enum": ["commitment", "practice", "reflection", "insight", "note"]}}),
    "EntryImport": obj(["entries"], {"entries": {"type": "array", "items": S("ImportedEntry"), "minItems": 1, "maxItems": 1000},
                                     "cycle": uuid}),
    "EntryImportResult": obj(["imported"], {"imported": {"type": "integer"}}),
    "ShareRequest": obj(["entry"], {"entry": uuid, "group": {"type": "boolean"}, "with": strings, "until": date}),
    "Share": obj(["id", "entry", "title", "audience", "group", "expiresAt", "expired", "revoked", "paused"], {"id": uuid, "entry": uuid, "title": string,
        "audience": strings, "group": {"type": "boolean", "description": "shared with the group (its roster when shared), not with chosen members"}, "expiresAt": date, "expired": {"type": "boolean", "description": "expiresAt has passed by the daemon's clock"},
        "revoked": {"type": "boolean"}, "paused": {"type": "boolean", "description": "its author is no longer in the entry's group: nobody may read it until they are added back"},
        "cycleCloses": {**date, "description": "the close of the entry's cycle, when the share ends before it (absent otherwise)"},
        "joinedSinceLastShare": {**strings, "description": "on a share just made with the group: readers not in the author's previous share with it"},
        "leftSinceLastShare": {**strings, "description": "on a share just made with the group: readers of the author's previous share with it who are not readers now"}}),
    "Read": obj(["reader", "firstRead"], {"reader": string, "firstRead": string}),
    "FeedItem": obj(["share", "entry", "author", "title", "kind", "sharedAt", "expiresAt", "group", "others"], {"share": uuid, "entry": uuid,
        "author": string, "title": string, "kind": string, "sharedAt": date, "expiresAt": date,
        "group": {"type": "boolean", "description": "shared with the whole group rather than with the caller by name"},
        "others": {"type": "integer", "minimum": 0, "description": "for a share by name, how many members besides the caller it reaches (not who); 0 for a group share"}}),
    "Whois": obj(["principal", "fingerprint", "pin", "relation"], {"principal": S("Principal"), "fingerprint": string,
                                                       "pin": {"enum": ["unpinned", "pinned", "changed"]},
                                                       "relation": {"enum": ["you", "group-member", "outside-your-groups"]}}),
    "ConfirmKey": obj(["fingerprint"], {"fingerprint": string}),
    "AuditRecord": obj(["sequence", "time", "actor", "action", "resource", "decision", "policies"], {
        "sequence": {"type": "integer"}, "time": date, "actor": string, "action": string, "resource": string,
        "decision": {"enum": ["allow", "deny"]}, "policies": strings}),
    "AuditVerification": obj(["ok", "records", "head"], {"ok": {"type": "boolean"}, "records": {"type": "integer"},
                                                          "head": string, "brokenAt": {"type": "integer"}}),
    "MetricsExportRequest": obj(["period"], {"period": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                                             "format": {"enum": ["json", "csv", "html"]}}),
    "MetricsExport": obj(["file", "signature", "format", "charged", "repeat", "withheldBecause"], {"file": string,
        "signature": string, "format": string, "charged": {"type": "boolean"}, "repeat": {"type": "boolean"},
        "withheldBecause": {"type": "array", "items": {"enum": ["too-few-groups", "too-few-members", "population-changed"]}}}),
}

E = lambda *codes: {str(c): {"description": "error", "content": {"application/json": {"schema": S("Error")}}} for c in codes}
def ok(code, schema=None, desc="ok", media="application/json"):
    r = {"description": desc}
    if schema is not None:
        r["content"] = {media: {"schema": schema}}
    return {str(code): r}

def op(opid, summary, responses, body=None, auth=True, params=(), query=()):
    o = {"operationId": opid, "summary": summary, "responses": {}}
    for r in responses:
        o["responses"].update(r)
    if auth:
        o["security"] = [{"bearer": []}]
        o["responses"].update(E(401))
    if body is not None:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": S(body)}}}
        o["responses"].update(E(400, 413))
    ps = [{"name": p, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}} for p in params]
    ps += [{"name": q, "in": "query", "required": req, "schema": string} for q, req in query]
    if ps:
        o["parameters"] = ps
    return o

def with_etag(o):
    """The 200 answer carries the entry's version as its ETag ("3")."""
    o["responses"]["200"]["headers"] = {"ETag": {"description": "the entry's version, quoted", "schema": string}}
    return o

def with_unreadable_records(o):
    """Records of a damaged log that cannot be read are left out of the listing and named."""
    o["responses"]["200"]["headers"] = {"Tacit-Unreadable-Audit-Records": {
        "description": "present when records cannot be read: their sequences (up to 100), comma-separated; "
                       "GET /v1/audit/verify locates the damage", "schema": string}}
    return o

def with_if_match(o):
    """An optional If-Match naming the version the edit was made on; 412 when the entry is past it."""
    o["parameters"].append({"name": "If-Match", "in": "header", "required": False, "schema": string,
                            "description": "the ETag of the version read (\"3\"), or *; a newer version answers 412"})
    o["responses"].update(E(412))
    return o

arr = lambda ref: {"type": "array", "items": S(ref)}
paths = {
    "/v1/health": {"get": op("health", "Is the daemon serving?", [ok(200, S("Health"))], auth=False)},
    "/v1/instance-key": {"get": op("instanceKey", "The instance public key (base64), which signs exports",
                                   [ok(200, string, media="text/plain")], auth=False)},
    "/v1/openapi": {"get": op("openapi", "This document", [ok(200, {"type": "object"}, media="application/yaml")], auth=False)},
    "/v1/sessions": {
        "post": op("unlock", "Unlock: passphrase → session token", [ok(201, S("Session")), E(401, 429, 503)], body="Unlock", auth=False),
        "delete": op("logoutAll", "End every session of the caller and revoke the capture token", [ok(204)]),
    },
    "/v1/sessions/current": {"delete": op("logout", "End this session and wipe its keys", [ok(204)])},
    "/v1/whoami": {"get": op("whoami", "The caller", [ok(200, S("WhoAmI"))])},
    "/v1/enroll": {"post": op("enroll", "Enroll with a one-time code", [ok(201, S("Enrolled")), E(401, 409, 422)], body="Enroll", auth=False)},
    "/v1/passphrase": {"post": op("changePassphrase", "Change the passphrase (optionally rotate the root key)",
                                  [ok(200, {"oneOf": [S("Rotated"), S("PassphraseChanged")]},
                                      "rotated: the new recovery key, shown only in this answer; otherwise a capture token "
                                      "replacing the caller's (the change revoked them all)"),
                                   E(401, 422, 429)], body="PassphraseChange")},
    "/v1/recover": {"post": op("recover", "Set a new passphrase with the recovery key", [ok(204), E(401, 422, 429)], body="Recover", auth=False)},
    "/v1/jots": {"post": dict(op("jot", "Seal a note without unlocking (capture token)", [ok(201, S("Created")), E(401, 409)], body="Jot",
                                 auth=False), security=[{"capture": []}])},
    "/v1/groups": {
        "get": op("listGroups", "Groups and their sizes", [ok(200, arr("GroupSummary"))]),
        "post": op("createGroup", "Create a group (operator)", [ok(201, S("GroupSummary")), E(403, 409)], body="GroupCreate"),
    },
    "/v1/groups/{group}": {"get": op("showGroup", "A group's roster and cycles", [ok(200, S("GroupDetail")), E(404)], params=["group"])},
    "/v1/groups/{group}/members": {"post": op("addMember", "Add a member (operator)", [ok(200, S("GroupDetail")), E(403, 404)],
                                              body="Name", params=["group"])},
    "/v1/groups/{group}/members/{name}": {"delete": op("removeMember", "Remove a member; their seals are deleted at once (operator)",
                                                       [ok(204), E(403, 404)], params=["group", "name"])},
    "/v1/groups/{group}/facilitator": {"put": op("appointFacilitator", "Appoint the facilitator (operator)",
                                                 [ok(200, S("GroupDetail")), E(403, 404)], body="Name", params=["group"])},
    "/v1/invitations": {"post": op("invite", "An enrollment code for a new principal (operator)",
                                   [ok(201, S("InvitationCode")), E(403, 404, 409)], body="Invitation"),
                        "get": op("listInvitations", "The invitations not used yet, expired ones included (operator)",
                                  [ok(200, arr("PendingInvitation")), E(403)])},
    "/v1/invitations/{name}": {"delete": op("revokeInvitation", "Withdraw a name's unused invitation: its code stops working (operator)",
                                            [ok(204), E(403, 404)], params=["name"])},
    "/v1/principals": {"get": op("listPrincipals", "Principals (names and roles)", [ok(200, arr("Principal"))])},
    "/v1/principals/{name}/disable": {"post": op("disablePrincipal", "Disable a principal (operator)", [ok(204), E(400, 403, 404)],
                                                 params=["name"])},
    "/v1/cycles": {
        "get": op("listCycles", "Cycles of a group or of the caller's groups", [ok(200, arr("Cycle")), E(404)], query=[("group", False)]),
        "post": op("createCycle", "Schedule a cycle (facilitator)", [ok(201, S("Cycle")), E(403, 404)], body="CycleCreate"),
    },
    "/v1/cycles/{cycle}": {"delete": op("cancelCycle", "Cancel a cycle before its session 1, with no entries in it (facilitator)",
                                        [ok(204), E(403, 404)], params=["cycle"])},
    "/v1/cycles/{cycle}/schedule": {"put": op("rescheduleCycle",
                                              "Move a cycle's sessions: both while it is planned, session 2 (and session 1's hour) after (facilitator)",
                                              [ok(200, S("CycleScheduled")), E(400, 403, 404)], body="CycleSchedule", params=["cycle"])},
    "/v1/cycles/{cycle}/agenda": {"get": op("agenda", "The session-2 agenda (facilitator)", [ok(200, S("Agenda")), E(403, 404)],
                                            params=["cycle"])},
    "/v1/entries": {
        "get": op("listEntries", "The caller's entries", [ok(200, S("EntryList")), E(400)],
                  query=[("kind", False), ("tag", False), ("cycle", False), ("group", False), ("since", False), ("until", False),
                         ("idPrefix", False), ("limit", False), ("cursor", False)]),
        "post": op("writeEntry", "Write an entry", [ok(201, S("Entry")), E(403, 404, 409)], body="EntryInput"),
    },
    "/v1/entries/import": {"post": op("importEntries",
                                      "Import entries with their original dates, in one transaction (at most 1000 a request)",
                                      [ok(201, S("EntryImportResult")), E(403, 404, 409)], body="EntryImport")},
    "/v1/entries/{id}": {
        "get": with_etag(op("readEntry", "Read an own entry", [ok(200, S("Entry")), E(404)], params=["id"])),
        "put": with_if_match(with_etag(op("editEntry", "Edit an own entry (a new version)", [ok(200, S("Entry")), E(403, 404)],
                                          body="EntryInput", params=["id"]))),
        "delete": op("deleteEntry", "Delete an own entry and its shares", [ok(204), E(404)], params=["id"]),
    },
    "/v1/search": {"get": op("search", "Search the caller's entries", [ok(200, S("EntryList")), E(400)],
                             query=[("q", True), ("kind", False), ("tag", False), ("cycle", False), ("group", False), ("since", False), ("until", False),
                                    ("idPrefix", False), ("limit", False), ("cursor", False)])},
    "/v1/shares": {
        "get": op("listShares", "The caller's shares", [ok(200, arr("Share"))]),
        "post": op("share", "Share an entry with the group or chosen members", [ok(201, S("Share")), E(403, 404, 409)], body="ShareRequest"),
    },
    "/v1/shares/{id}": {"delete": op("revokeShare", "Revoke a share: seals deleted at once", [ok(204), E(404)], params=["id"])},
    "/v1/shares/{id}/readers": {"get": op("shareReaders", "Who read a share", [ok(200, arr("Read")), E(404)], params=["id"])},
    "/v1/feed": {"get": op("feed", "Entries shared with the caller", [ok(200, arr("FeedItem"))])},
    "/v1/feed/{share}": {"get": op("readShared", "Read an entry shared with the caller", [ok(200, S("Entry")), E(404, 409)],
                                   params=["share"])},
    "/v1/whois/{name}": {"get": op("whois", "A principal's key fingerprint and pin state", [ok(200, S("Whois")), E(404)],
                                   params=["name"])},
    "/v1/whois/{name}/confirm": {"post": op("confirmKey", "Accept a peer's changed key after comparing fingerprints",
                                            [ok(200, S("Whois")), E(404, 409)], body="ConfirmKey", params=["name"])},
    "/v1/audit": {"get": with_unreadable_records(op("audit", "Audit records: the latest 1000 of the caller's actions and reads of their entries (the operator: of all)", [ok(200, arr("AuditRecord"))]))},
    "/v1/audit/verify": {"get": op("verifyAudit", "Recompute the audit chain", [ok(200, S("AuditVerification"))])},
    "/v1/backup": {"get": op("backup", "Stream a consistent copy of the database (operator)",
                             [ok(200, {"type": "string", "format": "binary"}, media="application/octet-stream"), E(403)])},
    "/v1/restore": {"post": op("restore", "Upload a backup; the daemon then needs a restart with --accept-restore (operator)",
                               [ok(202), E(400, 403, 413)])},
    "/v1/metrics/exports": {"post": op("exportMetrics", "A signed, anonymized metrics export (compliance)",
                                       [ok(201, S("MetricsExport")), E(403, 409)], body="MetricsExportRequest")},
}
doc = {
    "openapi": "3.1.0",
    "info": {"title": "Tacit local API", "version": "0.1.0",
             "description": "HTTP/1.1 + JSON on the daemon's Unix socket (curl --unix-socket). Errors are JSON; "
                            "an entry the caller may not see answers 404."},
    "servers": [{"url": "http://localhost"}],
    "paths": paths,
    "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                                      "capture": {"type": "apiKey", "in": "header", "name": "Authorization",
                                                                  "description": "Capture TOKEN: the capture token of the last login"}}},
}
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "Sources", "TacitServer", "openapi.yaml")
# JSON is valid YAML 1.2; written as YAML-compatible JSON so no YAML library is needed here.
with open(out, "w") as f:
    f.write("# Generated by Scripts/gen-openapi.py: edit the table there, then run it.\n")
    json.dump(doc, f, indent=1, sort_keys=False)
    f.write("\n")
print(f"wrote {out}: {len(paths)} paths")
