"""What the tests share: fixture modules (servers on loopback, registered in
tests/conftest.py through pytest_plugins), builders of test data and oracles.

tests/ is on sys.path (pytest.ini), so these import as `helpers.<module>`.
"""
