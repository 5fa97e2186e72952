"""The register of parties (afspraken/parties/): its edits and its views."""
