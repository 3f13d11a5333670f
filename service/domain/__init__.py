"""The funding guideline as pure Python: rules, money, states, calculations.

Nothing here imports Flask, SQLAlchemy, docxtpl or pypdf (a test checks it). The rules return
findings and never stop at the first problem.
"""
