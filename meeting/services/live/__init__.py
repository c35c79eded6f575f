"""The live meeting: moderator actions, rounds, ballots and the per-audience state snapshot."""
