import ClaimsCore
@testable import ClaimsEngine
import ClaimsTestSupport
import Foundation
import Testing

/// What grows with a batch's input — the encounter ids seen and each bundle's fullUrls — is kept in
/// sorted files in the work directory once it passes a limit (docs/batch.md, "Memory"): the answers
/// must be those of an ordinary set, across spills and merges, with real files.
@Suite struct SpilledKeySetTests {
    /// Keys from a fixed generator (SplitMix64), so a failure repeats.
    static func keys(_ count: Int, seed: UInt64) -> [SpilledKeySet.Key] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<count).map { _ in SpilledKeySet.Key(high: next(), low: next()) }
    }

    static func files(in directory: URL, suffix: String = ".keys") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
    }

    @Test func answersAsAnOrdinarySetAcrossSpillsAndMerges() throws {
        let directory = try Fixtures.temporaryDirectory("spilled-keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let set = SpilledKeySet(spillingInto: directory.path, name: "ids", memoryLimit: 50)
        // Every key twice, the second time much later (after several spills), plus repeats right away.
        let fresh = Self.keys(3000, seed: 1)
        var reference = Set<SpilledKeySet.Key>()
        for (index, key) in fresh.enumerated() {
            #expect(try set.insert(key) == reference.insert(key).inserted)
            #expect(try set.insert(key) == false)
            if index >= 1500 { #expect(try set.insert(fresh[index - 1500]) == false) }
        }
        for key in fresh { #expect(try set.insert(key) == false) }
        // Keys never added are not found, though the Bloom filters let a few through to the disk.
        for key in Self.keys(3000, seed: 2) { #expect(try set.insert(key) == true) }
        // 6,000 keys in memory 50 at a time: the files were merged, so they stay few.
        #expect(set.fileCount >= 1 && set.fileCount <= SpilledKeySet.runsBeforeMerge)
        #expect(try Self.files(in: directory).count == set.fileCount)
    }

    @Test func keepsEveryKeyInMemoryWithoutADirectory() throws {
        let set = SpilledKeySet(spillingInto: nil, name: "ids", memoryLimit: 10)
        for key in Self.keys(100, seed: 3) { #expect(try set.insert(key)) }
        for key in Self.keys(100, seed: 3) { #expect(try set.insert(key) == false) }
        #expect(set.fileCount == 0)
    }

    @Test func aMergedFileHoldsTheUnionInOrder() throws {
        let directory = try Fixtures.temporaryDirectory("sorted-keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = Self.keys(1000, seed: 4)
        // Two overlapping runs, one spanning several pages.
        let first = try SortedKeyFile(path: directory.appendingPathComponent("a.keys").path, keys: Array(all[0..<700]).sorted())
        let second = try SortedKeyFile(path: directory.appendingPathComponent("b.keys").path, keys: Array(all[500..<1000]).sorted())
        let merged = try SortedKeyFile(path: directory.appendingPathComponent("c.keys").path, merging: [first, second])
        #expect(merged.count == 1000)
        let reader = try SortedKeyFile.Reader(merged)
        var read: [SpilledKeySet.Key] = []
        while let key = try reader.next() { read.append(key) }
        #expect(read == all.sorted())
        for key in all { #expect(try merged.contains(key)) }
        for key in Self.keys(1000, seed: 5) { #expect(try merged.contains(key) == false) }
        // 16 bytes a key on disk, nothing else.
        let size = try FileManager.default.attributesOfItem(atPath: merged.path)[.size] as? Int
        #expect(size == 1000 * 16)
    }

    @Test func aWorkDirectoryThatIsGoneIsAnErrorNamingTheFile() throws {
        let directory = try Fixtures.temporaryDirectory("spilled-keys-gone")
        try FileManager.default.removeItem(at: directory)
        let set = SpilledKeySet(spillingInto: directory.path, name: "ids", memoryLimit: 2)
        #expect(try set.insert(Self.keys(1, seed: 6)[0]))
        #expect(throws: OutputError.self) { _ = try set.insert(Self.keys(2, seed: 7)[1]) }
    }

    @Test func textKeysAreTheirDigest() {
        #expect(SpilledKeySet.Key(hashing: "ENC-1") == SpilledKeySet.Key(hashing: "ENC-1"))
        #expect(SpilledKeySet.Key(hashing: "ENC-1") != SpilledKeySet.Key(hashing: "ENC-2"))
        // SHA-256("abc") begins ba7816bf8f01cfea 414140de5dae2223.
        #expect(SpilledKeySet.Key(hashing: "abc") == SpilledKeySet.Key(high: 0xba78_16bf_8f01_cfea, low: 0x4141_40de_5dae_2223))
    }

    @Test func fullUrlsAreFoundAfterTheyWentToDisk() throws {
        let directory = try Fixtures.temporaryDirectory("fullurls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let urls = (0..<400).map { index in
            index % 4 == 0 ? "Patient/PT-\(index)" : "urn:uuid:" + String(format: "%08x-0000-4000-8000-%012x", index, index * 7919)
        }
        let set = FullUrlSet(spillingInto: directory.path, name: "cigna.fullurls", memoryLimit: 16)
        for url in urls { #expect(try set.insert(url)) }
        for url in urls { #expect(try set.insert(url) == false) }
        // Upper-case hex is another URL, kept as text.
        #expect(try set.insert(urls[1].uppercased()))
        #expect(try !Self.files(in: directory).isEmpty)
    }

    /// The URL parse by table (`FullUrlSet.uuidBits`) against the rule written plainly: every byte
    /// value at every position of a valid URL, and lengths around 45.
    @Test func uuidBitsAgreeWithThePlainRule() {
        func reference(_ url: String) -> SpilledKeySet.Key? {
            let bytes = Array(url.utf8)
            guard bytes.count == 45, Array(bytes[0..<9]) == Array("urn:uuid:".utf8) else { return nil }
            var digits: [UInt64] = []
            for index in 9..<45 {
                if [17, 22, 27, 32].contains(index) {
                    guard bytes[index] == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let value = "0123456789abcdef".utf8.firstIndex(of: bytes[index]) else { return nil }
                digits.append(UInt64("0123456789abcdef".utf8.distance(from: "0123456789abcdef".utf8.startIndex, to: value)))
            }
            return SpilledKeySet.Key(high: digits[0..<16].reduce(0) { $0 << 4 | $1 }, low: digits[16..<32].reduce(0) { $0 << 4 | $1 })
        }
        let valid = "urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        #expect(FullUrlSet.uuidBits(valid) == SpilledKeySet.Key(high: 0x0f1e_2d3c_4b5a_6978, low: 0x8796_a5b4_c3d2_e1f0))
        var checked = 0
        for position in 0..<45 {
            for byte in UInt8(0)...UInt8(0x7F) {
                var bytes = Array(valid.utf8)
                bytes[position] = byte
                let url = String(decoding: bytes, as: UTF8.self)
                #expect(FullUrlSet.uuidBits(url) == reference(url), "\(url.debugDescription)")
                checked += 1
            }
            // A non-ASCII character in its place (two bytes: the URL is 46 bytes long).
            var scalars = Array(valid.unicodeScalars)
            scalars[position] = "é"
            let url = String(String.UnicodeScalarView(scalars))
            #expect(FullUrlSet.uuidBits(url) == nil && reference(url) == nil)
        }
        #expect(checked == 45 * 128)
        for url in [valid + "0", String(valid.dropLast()), valid.uppercased(), "Patient/PT-1", ""] {
            #expect(FullUrlSet.uuidBits(url) == reference(url))
        }
    }

    /// A text's key is the first 128 bits of its SHA-256 (hashed in place, without arrays).
    @Test func aTextsKeyIsTheStartOfItsDigest() {
        for text in ["", "ENC-0001", "Patient/PT-1", "ñandú", String(repeating: "x", count: 300)] {
            let digest = SHA256.digest(Array(text.utf8))
            let high = digest[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = digest[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(SpilledKeySet.Key(hashing: text) == SpilledKeySet.Key(high: high, low: low))
        }
    }

    @Test func unitsComeBackInTheOrderAddedAcrossSpillsAndMerges() throws {
        let directory = try Fixtures.temporaryDirectory("spilled-units")
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = SpilledUnits(spillingInto: directory.path, memoryLimit: 7)
        let keys = Self.keys(40, seed: 8)
        var reference: [SpilledKeySet.Key: [BilledUnits]] = [:]
        // 100 blocks of 12 additions; each key comes back in many blocks, so its units are spread
        // over several files. Units with a fraction, ids and codes of different lengths (one not ASCII).
        for block in 0..<100 {
            try units.spillIfFull()
            for index in 0..<12 {
                let key = keys[(block * 7 + index * 3) % keys.count]
                let added = [BilledUnits(encounterId: "ENC-\(block)-\(index)\(index == 5 ? "-é" : "")", code: index % 2 == 0 ? "G2083" : "90868",
                                         units: Decimal(string: "\(index).5")!, earlierRun: false)]
                units.add(added, for: key)
                reference[key, default: []] += added
            }
            if block % 10 == 9 {
                for key in keys { #expect(try units.units(for: key) == (reference[key] ?? [])) }
            }
        }
        #expect(units.fileCount >= 1 && units.fileCount <= SpilledKeySet.runsBeforeMerge)
        #expect(try Self.files(in: directory, suffix: ".units").count == units.fileCount)
        for key in Self.keys(20, seed: 9) { #expect(try units.units(for: key).isEmpty) }
        // Taken back: from memory and from the files alike.
        let key = keys[0]
        let all = reference[key]!
        units.release(encounterId: all[0].encounterId, key: key)
        units.release(encounterId: all[all.count - 1].encounterId, key: key)
        #expect(try units.units(for: key) == Array(all.dropFirst().dropLast()))
    }

    @Test func unitsStayInMemoryWithoutADirectory() throws {
        let units = SpilledUnits(spillingInto: nil, memoryLimit: 1)
        let key = Self.keys(1, seed: 10)[0]
        let added = BilledUnits(encounterId: "ENC-1", code: "90868", units: 1, earlierRun: false)
        units.add([added], for: key)
        try units.spillIfFull()
        #expect(units.fileCount == 0)
        #expect(try units.units(for: key) == [added])
        units.release(encounterId: "ENC-1", key: key)
        #expect(try units.units(for: key).isEmpty)
    }
}
