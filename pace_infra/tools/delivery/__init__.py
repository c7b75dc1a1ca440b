"""The application delivery loop: the scripts templates/app-pipeline/ runs, and `make promote`.

Every name they share with the platform (images, GitOps paths, attestor, signing key) is in
`contract.py`; every Google and Bitbucket call goes through `api.py`.
"""
