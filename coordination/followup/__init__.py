"""Follow-up across convenings: the report per convening, series and stakeholder history."""
