"""The engine of `eta check`: its result types, units and cache, the change since a base, and
its output formats."""
