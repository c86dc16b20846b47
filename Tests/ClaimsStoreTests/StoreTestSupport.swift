import ClaimsCore
import ClaimsStore
import ClaimsTestSupport
import Foundation
import Synchronization

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ iso: String = "2026-11-20T15:30:00.000Z") { current = Mutex(StoreTimestamp.parse(iso)!) }
    func now() -> Date { current.withLock { $0 } }
    func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func set(_ iso: String) { current.withLock { $0 = StoreTimestamp.parse(iso)! } }
}

enum StoreTestSupport {
    static let vocabulary = AuthorizationVocabulary(
        payers: ["bcbs-il", "cigna", "aetna", "uhc", "il-medicaid", "meridian-il", "ny-medicaid", "medicare-j6"],
        services: ["spravato", "tms", "iv-ketamine", "sgb", "office-visit", "psych-eval", "psychotherapy"])

    /// A store in a fresh temp directory (tests run in parallel).
    static func makeStore(_ label: String = "store", clock: TestClock = TestClock()) throws -> (ClaimsStore, URL) {
        let directory = try Fixtures.temporaryDirectory(label)
        let path = directory.appendingPathComponent("claims.sqlite").path
        return (try ClaimsStore(path: path, configuration: .init(clock: clock.now)), URL(fileURLWithPath: path))
    }

    static func reopen(_ url: URL, clock: TestClock = TestClock()) throws -> ClaimsStore {
        try ClaimsStore(path: url.path, configuration: .init(clock: clock.now))
    }

    static func auth(patient: String = "PT-1001", payer: String = "bcbs-il", service: String = "spravato",
                     status: AuthorizationStatus = .approved, authNumber: String? = nil, units: Int? = nil,
                     start: String? = "2026-11-01", end: String? = "2026-12-31", note: String? = nil) -> PriorAuthorization {
        PriorAuthorization(patientId: patient, payer: payer, service: service, status: status, authNumber: authNumber,
                           units: units, start: start.flatMap(LocalDate.init(iso:)), end: end.flatMap(LocalDate.init(iso:)), note: note)
    }

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    /// The main file and its WAL: what a refused change must leave untouched.
    static func fileBytes(_ url: URL) -> Data {
        var data = (try? Data(contentsOf: url)) ?? Data()
        data += (try? Data(contentsOf: URL(fileURLWithPath: url.path + "-wal"))) ?? Data()
        return data
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as! NSNumber).intValue & 0o777
    }
}
