"""nbgrader's course settings: run nbgrader's commands from this folder (notebooks/).

The assignment's source is source/05_exercises/05_exercises.ipynb (answers between
### BEGIN SOLUTION / ### END SOLUTION, graded check cells locked, instructor notes in hidden
tests); nbgrader writes release/, submitted/, autograded/, feedback/ and gradebook.db next to this
file, and a copy of gradebook.db into gradebook-backups/ before each autograde.

`nbgrader autograde` does not run submissions in a kernel here: course_utils.grading runs each
one's answer cells in a bubblewrap sandbox and scores the checks in nbgrader's own process. When
course_utils cannot be imported, autograde refuses to grade rather than fall back to nbgrader's
unsandboxed kernel run.
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config when it loads this file)

c.CourseDirectory.course_id = "softmax-backprop"

try:
    from course_utils.grading.preprocessors import configure
except ImportError as missing:  # never grade unsandboxed: every autograde step refuses instead
    from nbgrader.preprocessors import NbGraderPreprocessor

    class RefuseToGrade(NbGraderPreprocessor):
        """Stands in for the sandboxed grader when course_utils is not importable."""

        def preprocess(self, nb, resources, reason=str(missing)):
            raise RuntimeError(f"Refusing to grade: course_utils.grading cannot be imported ({reason})")

    c.Autograde.autograde_preprocessors = [RefuseToGrade]
else:
    configure(c)
