"""The rules of `eta check`: what each kind of record, a unit of them and the whole repository
must satisfy."""
