"""The verifiable draw (docs/VERIFY.md): pool and exclusions, seed and entropy, draws and skips, the public bundle."""
