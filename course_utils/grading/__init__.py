"""Grading notebook 05 with nbgrader, with every submission's code in a sandbox.

nbgrader's own commands stay (``generate_assignment``, ``autograde``, ``generate_feedback``,
``export``); ``notebooks/nbgrader_config.py`` replaces autograde's kernel run with
:class:`~.preprocessors.SandboxedChecks`, which

1. takes the student's answer cells (nbgrader's solution cells) from the submission;
2. runs them in a throwaway bubblewrap sandbox (:mod:`.sandbox`, :mod:`.child`) that receives the
   checks' inputs and sends back what the student's functions return (:mod:`.wire`: plain data,
   never pickles);
3. judges that data here, in nbgrader's own process, with the course's checkers (:mod:`.grade`):
   the expected values, the diagnosis and the points never enter the sandbox, and a check with
   no readable result earns 0.

:mod:`.preprocessors` also backs up ``gradebook.db`` before each autograde and turns a duplicated
cell id or damaged nbgrader metadata into an error for that one submission, not the whole run.
"""
