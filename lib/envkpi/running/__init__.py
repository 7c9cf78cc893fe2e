"""`envkpi run`: the run of a year as a pipeline of stages, and the output folder it writes."""
