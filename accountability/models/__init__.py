"""The accountability app's models, one module per area, all registered here.

- log: what the app keeps about the chain of responsibilities.log (nightly verification results)
- assessments: rubrics, campaigns, self-assessment, scores, results (检查考核)
- cases: findings and rectification (问题清单与整改), accountability cases (问责)
"""

from accountability.models.assessments import *  # noqa: F401,F403
from accountability.models.cases import *  # noqa: F401,F403
from accountability.models.log import *  # noqa: F401,F403
