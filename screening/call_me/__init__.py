"""The staff side of "please call me" (screening.models.CallMeRequest): the page an urgent alert
about a request links to, with the name, number and best time, and "I'm calling them"."""
