"""API Gateway on top of the template engine: $input, $util, $context, $stageVariables.

Importing this package teaches the ``apigateway`` dialect to turn a request into template
variables (``Template.render(request=...)``).
"""
from ..dialects import APIGATEWAY
from .variables import template_variables

APIGATEWAY.request_variables["build"] = template_variables

__all__ = ["template_variables"]
