"""Planning the end-point assessment: assessor profiles, declared relationships, allocation."""
