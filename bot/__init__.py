"""Intake: our own library behind the Rasa assistant (policy, calendar, cases, web, channels, CLI).

Nothing in this package imports Rasa at module level, so the domain logic is testable and the
command line starts quickly.
"""
