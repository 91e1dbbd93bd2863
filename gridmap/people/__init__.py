"""people on the grid: staff, members, volunteers, 结对帮扶 pairs; may import io, analysis, access, plans.

Modules
-------
pairing
    结对帮扶: every special-group resident (独居老人, 留守儿童, 残疾人) paired with one helper within
    walking distance, exactly (most people paired, then least total walking, then same grid).

Everything here handles personal data about vulnerable people: the outputs list where they live.
Give them only to those who serve them (least privilege).
"""
