"""The Python SDK's tests: python3 -m unittest discover -s python/tests -t python"""
