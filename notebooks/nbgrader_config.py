"""nbgrader's course settings: run nbgrader's commands from this folder (notebooks/).

The assignment's source is source/05_exercises/05_exercises.ipynb (answers between
### BEGIN SOLUTION / ### END SOLUTION, graded check cells locked, hidden tests); nbgrader writes
release/, submitted/, autograded/, feedback/ and gradebook.db next to this file.
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config when it loads this file)

c.CourseDirectory.course_id = "softmax-backprop"
c.ExecutePreprocessor.timeout = 120  # seconds per cell when autograding
