import ClaimsX12
import Foundation

/// Loads the response code lists from `<payers>/codes/` (docs/responses.md, "Code lists").
/// A missing file leaves its list empty (codes are then shown as themselves); a malformed file is an error.
public enum CodeListLoader {
    public static func directory(payers: String) -> String { (payers as NSString).appendingPathComponent("codes") }

    public static func load(payers: String) throws(CodeListError) -> ResponseCodeLists {
        let directory = directory(payers: payers)
        var files: [String: CodeList] = [:]
        for name in ResponseCodeLists.fileNames {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CodeListError(name: path, line: 1, message: "is not UTF-8 text")
            }
            do { files[name] = try CodeList.parse(text, name: path) } catch { throw error }
        }
        return ResponseCodeLists(files: files)
    }
}
