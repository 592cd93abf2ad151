"""Programs, payment cycles (tahap) with frozen beneficiary lists, enrolments, entitlements and suspensions."""
