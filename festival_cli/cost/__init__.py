"""The monthly AWS bill of the stack for a volume of uploads: prices, the measured item profile,
the assumptions and the estimate. Used by `festival cost`; not part of the function package."""
