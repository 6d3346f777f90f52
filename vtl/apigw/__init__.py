"""API Gateway on top of the template engine: $input, $util, $context, $stageVariables."""
