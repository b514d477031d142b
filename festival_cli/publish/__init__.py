"""The published site of a lineup: the feeds apps read and the timetable page people open."""
