"""The sheet as the pipeline knows it: read from data/, checked, tidied, its figures computed; the checked
sheet the stages pass on."""
