"""The staff workspace: a server-rendered web app for complaints and customer-advocacy staff."""
