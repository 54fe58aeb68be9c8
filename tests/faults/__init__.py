"""The fault matrix: every vendor through every fault the simulator can inject."""
