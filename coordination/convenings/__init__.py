"""convenings domain."""
