"""The spreadsheet round trip: ``import`` merges a DPMD spreadsheet (.xlsx or .csv) into the
registry (sheet → cells → places → merge → registry, driven by cli), ``export-xlsx`` writes the
registry as a spreadsheet that import reads back unchanged. Their options: ``commands``, the
only module of this package that a build imports."""
