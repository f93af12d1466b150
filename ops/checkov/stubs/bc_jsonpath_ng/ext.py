from jsonpath_ng.ext import *  # noqa: F401,F403
from jsonpath_ng.ext import parse  # noqa: F401
