"""API Gateway on top of the template engine: $input, $util, $context, $stageVariables."""
from .variables import template_variables

__all__ = ["template_variables"]
