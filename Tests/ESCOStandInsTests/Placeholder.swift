import Testing

// Replaced by the real suite for this module.
@Suite struct ESCOStandInsTestsPlaceholder {}
