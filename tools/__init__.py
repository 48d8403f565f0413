"""Development tools (installed as ``parlens.devtools``): a real OpenSearch node for the tests and benchmarks."""
