"""Workshop mode: each learner's lab check results, collected on a JupyterHub for the instructor's dashboard."""
