"""The patient intake: the step forms, the flow through the steps, its views and URLs."""
