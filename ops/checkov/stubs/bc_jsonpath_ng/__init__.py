"""bc-jsonpath-ng is Bridgecrew's fork of jsonpath-ng (https://github.com/bridgecrewio/jsonpath-ng);
the graph checks' jsonpath operators use its parse(), which jsonpath-ng provides unchanged."""
from jsonpath_ng import *  # noqa: F401,F403
from jsonpath_ng import JSONPath, parse  # noqa: F401
