"""Running the stages: output paths, a job's command and the warm process, recovery after a killed build."""
