"""Use cases. Each public function owns its transaction: load, call scoring/, save, commit."""
