import ClaimsCore
import ClaimsStore

extension EligibilityBook {
    /// Every stored answer matched to an inquiry, read with the clinic's network and age limit
    /// (`eligibilityMaxAgeDays` in clinic.yaml, default 30): what `check`, `batch` and the checklist consult.
    public static func load(from store: ClaimsStore, clinic: ClinicProfile?) throws(StoreError) -> EligibilityBook {
        EligibilityBook(answers: try store.eligibilityAnswers(), network: clinic?.network ?? [:],
                        maxAgeDays: clinic?.eligibilityMaxAgeDays ?? defaultMaxAgeDays)
    }
}
