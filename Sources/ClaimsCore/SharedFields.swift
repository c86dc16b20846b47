/// The fields of a large value type kept behind one reference that copies share (copy on write).
///
/// `Encounter`, `ClinicProfile` and `PayerRules` hold dozens of strings and arrays and travel through
/// the batch inside evaluations, drafts and records that are copied several times each; every copy
/// of a plain struct changed the reference count of each string and array, atomically, with the two
/// cores fighting over the counts (issue 18). Behind a `SharedFields` a copy changes one count. The
/// owning struct keeps value semantics: each change goes through `makeUnique`, which copies the
/// fields first when another value shares them, so no other copy ever sees the change.
///
/// `@unchecked Sendable`: `fields` changes only through a uniquely referenced instance (no other
/// thread can hold it then); shared instances are only read.
@usableFromInline
final class SharedFields<Fields: Sendable>: @unchecked Sendable {
    @usableFromInline var fields: Fields
    @usableFromInline init(_ fields: Fields) { self.fields = fields }
}

extension SharedFields {
    /// Before a change: `shared` replaced by a private copy of its fields unless `shared` is the only
    /// reference to them.
    @inlinable static func makeUnique(_ shared: inout SharedFields) {
        if !isKnownUniquelyReferenced(&shared) { shared = SharedFields(shared.fields) }
    }
}
