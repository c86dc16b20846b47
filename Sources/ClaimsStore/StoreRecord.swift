import Foundation
import GRDB

/// The store's record types: one per table, `Codable`, each property a column whose name is the
/// property's in snake_case (GRDB's "Codable Records"). Reading and writing go through them instead
/// of hand-bound columns. Timestamps are `StoreTimestamp` text; JSON columns are written with
/// sorted keys and unescaped slashes, as the history has always been.
public protocol StoreRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoreRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoreTimestamp.format($0) }
    }

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(StoreTimestamp.parse) }
    }

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
