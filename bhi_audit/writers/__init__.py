"""Writers: turn records back into the formats billing systems exchange (X12 837P).

Why: tests, the sample batch and the benchmark need valid interchanges made from known
records, so that reading them back can be compared with the source.
"""
