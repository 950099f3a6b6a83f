"""The intake conversation's rules, without Rasa: which questions to ask, how to read the answers,
what to summarise and what to file. The action server (actions/) calls into this package."""
