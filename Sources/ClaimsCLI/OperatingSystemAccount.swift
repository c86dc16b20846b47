import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is running this process, as the operating system knows it: the user name of the effective
/// uid. Rule administration trusts this, never a name typed on the command line or `$USER`
/// (both are whatever the caller says). docs/admin-guide.md explains the setup.
enum OperatingSystemAccount {
    #if DEBUG
    /// Debug builds only (the tests run them, often as root): pretend to be another account.
    /// Compiled out of release builds, so a release binary cannot be told who its user is.
    static let simulatedAccountVariable = "CLAIMS_TEST_OS_USER"
    #endif

    /// The account name, or a refusal when the uid has no name (no passwd entry).
    static func current() throws -> String {
        #if DEBUG
        if let simulated = ProcessInfo.processInfo.environment[simulatedAccountVariable], !simulated.isEmpty {
            return simulated
        }
        #endif
        let uid = geteuid()
        var buffer = [CChar](repeating: 0, count: 16_384)
        let name: String? = buffer.withUnsafeMutableBufferPointer { storage in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            guard getpwuid_r(uid, &entry, storage.baseAddress!, storage.count, &result) == 0, result != nil,
                  let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        guard let name, !name.isEmpty else {
            throw CLIError(.notPermitted, "the account running claims (uid \(uid)) has no user name in the system's user database; rule changes must be made from a named account listed under admins: in the clinic profile")
        }
        return name
    }
}
