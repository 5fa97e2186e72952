"""The records: from the files of a repository to validated records that know their positions."""
