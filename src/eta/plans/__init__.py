"""Implementation plans: their digest, their state, and the edits of the release process.

- `digest`: the canonical content of a plan, which signatures cover.
- `state`: what a plan and each implementing party still lack, the state of each
  signature, whether the plan is in force, and what blocks the release's next move.
- `edits`: the changes the `eta release` and `eta plan` commands make to the records.
"""
