"""The pure core of Minkao: standard library only.

Nothing here imports Flask, SQLAlchemy, twilio or the `meeting` package, so anyone can run
the verifier (`python -m scoring.verify`) with a bare Python 3.11.
"""
