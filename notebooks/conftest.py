"""pytest (nbval) collects the course notebooks, not nbgrader's working folders."""

# An instructor who runs nbgrader here gets release/, submitted/, autograded/ and feedback/ next to
# nbgrader_config.py: students' submissions are graded by nbgrader, not by the course's tests.
collect_ignore_glob = ["release/*", "submitted/*", "autograded/*", "feedback/*"]
