"""Meeting set-up before the day: meetings, settings, jurors and their links, the draft draw plan."""
