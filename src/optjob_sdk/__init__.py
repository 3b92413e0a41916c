"""optjob-sdk: a typed SDK for Amazon SageMaker AI inference-optimization jobs."""
