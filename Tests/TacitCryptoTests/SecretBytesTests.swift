import Foundation
import Testing
@testable import TacitCrypto

@Suite(.serialized) struct SecretBytesTests {
    /// Records what the arena saw in each released block whose address is being watched.
    final class ReleaseWatch: Sendable {
        let watched: Locked<[UInt: [UInt8]]> = Locked([:])

        func watch(_ secret: SecretBytes) {
            let address = secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
            watched.withLock { $0[address] = [] }
        }

        func observe(_ block: UnsafeRawBufferPointer) {
            let address = UInt(bitPattern: block.baseAddress)
            let bytes = Array(block)
            watched.withLock { watched in
                if watched[address] != nil { watched[address] = bytes }
            }
        }
    }

    @Test(arguments: [32, 1000, 70_000])
    func storageIsWipedOnRelease(count: Int) throws {
        let watch = ReleaseWatch()
        SecureArena.releaseObserver = { watch.observe($0) }
        defer { SecureArena.releaseObserver = nil }

        var secret: SecretBytes? = SecretBytes(count: count) { buffer in
            for index in buffer.indices { buffer[index] = 0xA5 }
        }
        watch.watch(secret!)
        #expect(secret!.withUnsafeBytes { $0.allSatisfy { $0 == 0xA5 } })
        secret = nil

        let seen = watch.watched.withLock { Array($0.values) }
        #expect(seen.count == 1)
        let released = try #require(seen.first)
        #expect(released.count >= count, "the arena reported the released block")
        #expect(released.allSatisfy { $0 == 0 }, "every byte of the released block is zero")
    }

    @Test func copiesShareStorageUntilTheLastIsReleased() throws {
        let original = try SecretBytes.random(count: 32)
        let copy = original
        #expect(copy == original)
        #expect(copy.withUnsafeBytes { $0.baseAddress } == original.withUnsafeBytes { $0.baseAddress })
    }

    @Test func descriptionsNeverShowTheBytes() throws {
        let secret = SecretBytes(utf8: "correct horse battery staple")
        for text in [secret.description, secret.debugDescription, String(describing: secret), String(reflecting: secret),
                     "\(secret)"] {
            #expect(!text.contains("horse"))
            #expect(text.contains("redacted"))
        }
    }

    @Test func equalityComparesContentAndLength() throws {
        let a = SecretBytes(copying: [1, 2, 3] as [UInt8])
        #expect(a == SecretBytes(copying: [1, 2, 3] as [UInt8]))
        #expect(a != SecretBytes(copying: [1, 2, 4] as [UInt8]))
        #expect(a != SecretBytes(copying: [1, 2] as [UInt8]))
        #expect(SecretBytes(copying: [UInt8]()) == SecretBytes(copying: [UInt8]()))
    }

    @Test func smallSecretsComeFromLockedPageAlignedChunks() throws {
        let secret = try SecretBytes.random(count: 32)
        let address = secret.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(address % 32 == 0)
        let stats = SecureArena.shared.statistics
        // Either memory is locked, or the failure was counted (and logged once).
        #expect(stats.lockedBytes > 0 || stats.lockFailures > 0)
    }

    @Test func randomSecretsDiffer() throws {
        #expect(try SecretBytes.random(count: 32) != SecretBytes.random(count: 32))
        #expect(try SecretBytes.random(count: 0).count == 0)
    }
}
